//! E-mail: a letter as an RFC 5322 message, and its delivery by SMTP.
//!
//! The message is built by lettre, never by hand: names and subjects
//! outside ASCII become RFC 2047 encoded words folded so that no header line
//! passes 78 characters, the body is UTF-8 text with an HTML alternative
//! when there is one, the `Date` is the one given (this module reads no
//! clock) and the `Message-ID` is unique, in the sender's domain.
//!
//! A recipient without an address is refused with the command that adds it:
//! a letter is never addressed to `undisclosed-recipients`. [`send`] hands
//! the message to the book's SMTP server ([`Smtp`], settings `smtp_*`) and
//! returns the server's reply; the caller logs the letter as sent only then.
//!
//! The wiring of a letter command, in order:
//! 1. [`letter`] — the sender ([`sender`] or [`Smtp::from`]) and the letter
//!    (To its addressee, Cc the copies asked for, its subject, text and
//!    HTML): a [`Message`], or the refusal naming the contact.
//! 2. `--format eml`: [`eml`] gives the file's bytes; `--dry-run`:
//!    [`describe`]; `--send`: [`Smtp::from_book`] then [`send`].

mod smtp;

use std::time::SystemTime;

use chrono::{DateTime, FixedOffset};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox as LettreMailbox, MultiPart, SinglePart};

use crate::error::{Error, Result};
use crate::output::{Lang, visible};
use crate::render::letters::{self, Template};
use crate::reports::letter::{Letter, Recipient};
use crate::store::settings::Settings;

pub use smtp::{PASSWORD_VAR, Smtp, Tls, send};

/// A name and an address, as a header shows them: `王芳 <wang@example.com>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    pub name: String,
    /// Empty when the book has none: such a recipient is refused.
    pub address: String,
}

impl Mailbox {
    pub fn new(name: impl Into<String>, address: impl Into<String>) -> Mailbox {
        Mailbox { name: name.into(), address: address.into() }
    }

    /// `Name <address>` as a person reads it, for `--dry-run`.
    fn shown(&self) -> String {
        let address = visible(&self.address);
        if self.name.trim().is_empty() {
            format!("<{address}>")
        } else {
            format!("{} <{address}>", visible(&self.name))
        }
    }
}

/// One e-mail: who from, to and copied, the subject, the text and (for a
/// letter that has one) its HTML, and when it is dated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// The `Date` header (written in UTC); given by the caller, never read here.
    pub date: DateTime<FixedOffset>,
}

/// The message a letter is sent as: from `from`, to the letter's addressee
/// (its payer contact, else the customer), copied to the contacts it names
/// (`--cc`), with the letter's subject, text and HTML. An addressee or copy
/// without an e-mail address is refused with the fix
/// (`huikuan customer edit CODE --contact ROLE:NAME:PHONE:EMAIL`).
pub fn letter(l: &Letter, t: &Template, from: Mailbox, date: DateTime<FixedOffset>) -> Result<Message> {
    let to = vec![recipient(&l.customer_code, &l.to)?];
    let cc = l.cc.iter().map(|r| recipient(&l.customer_code, r)).collect::<Result<Vec<_>>>()?;
    Ok(Message {
        from,
        to,
        cc,
        subject: letters::subject(l),
        text: letters::text(l, t),
        html: Some(letters::html(l, t)),
        date,
    })
}

/// One of a letter's recipients as a mailbox, refused when it has no address.
fn recipient(code: &str, r: &Recipient) -> Result<Mailbox> {
    match r.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(address) => Ok(Mailbox::new(&r.name, address)),
        None => {
            let name = visible(&r.name);
            let role = r.role.map_or("payer", |r| r.as_str());
            let code = visible(code);
            Err(Error::user(
                format!(
                    "{name} ({code}) has no e-mail address to send the letter to; add it with \
                     huikuan customer edit {code} --contact {role}:NAME:PHONE:EMAIL"
                ),
                format!(
                    "{name}（{code}）没有邮箱地址，无法发送函件；请用 \
                     huikuan customer edit {code} --contact {role}:姓名:电话:邮箱 添加"
                ),
            ))
        }
    }
}

/// Who a letter is from when it is not sent by SMTP (`--format eml`): the
/// setting `smtp_from` if set, else the company with `company_email`.
pub fn sender(settings: &Settings, smtp_from: Option<&str>) -> Result<Mailbox> {
    if let Some(from) = smtp_from.map(str::trim).filter(|f| !f.is_empty()) {
        return parse_mailbox("smtp_from", from, &settings.company);
    }
    match &settings.company_email {
        Some(address) => Ok(Mailbox::new(&settings.company, address.trim())),
        None => Err(no_sender()),
    }
}

fn no_sender() -> Error {
    Error::user(
        "a letter by e-mail needs the sender's address; set it with \
         huikuan config set company_email ar@example.com (or smtp_from)",
        "邮件函件需要发件地址；请用 huikuan config set company_email ar@example.com（或 smtp_from）设置",
    )
}

/// `Name <address>` or a bare address (named `default_name` then).
pub(crate) fn parse_mailbox(what: &str, text: &str, default_name: &str) -> Result<Mailbox> {
    let parsed: LettreMailbox = text.trim().parse().map_err(|e| {
        Error::user(
            format!("{what}: '{}' is not an e-mail address ({e})", visible(text)),
            format!("{what}：“{}”不是邮箱地址（{e}）", visible(text)),
        )
    })?;
    let name = parsed.name.unwrap_or_else(|| default_name.to_string());
    Ok(Mailbox::new(name, parsed.email.to_string()))
}

/// The message as lettre builds it, addresses checked.
fn build(m: &Message) -> Result<lettre::Message> {
    if m.to.is_empty() {
        return Err(Error::user("an e-mail needs a recipient", "邮件需要收件人"));
    }
    let from = mailbox(&m.from, no_sender)?;
    let domain = from.email.domain().to_string();
    let mut b = lettre::Message::builder()
        .from(from)
        .subject(one_line(&m.subject))
        .date(SystemTime::from(m.date))
        .message_id(Some(message_id(m.date, &domain)));
    for t in &m.to {
        b = b.to(mailbox(t, || no_address(t, "payer"))?);
    }
    for c in &m.cc {
        b = b.cc(mailbox(c, || no_address(c, "ROLE"))?);
    }
    let built = match &m.html {
        Some(html) => b.multipart(MultiPart::alternative_plain_html(m.text.clone(), html.clone())),
        None => b.singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(m.text.clone())),
    };
    built.map_err(|e| Error::user(format!("the e-mail cannot be built: {e}"), format!("无法生成邮件：{e}")))
}

/// A mailbox for lettre: the address checked, the name on one line. Without
/// an address it is refused with the error `missing` gives.
fn mailbox(m: &Mailbox, missing: impl FnOnce() -> Error) -> Result<LettreMailbox> {
    let address = m.address.trim();
    if address.is_empty() {
        return Err(missing());
    }
    let email = address.parse().map_err(|e| {
        Error::user(
            format!("'{}' ({}) is not an e-mail address: {e}", visible(address), visible(&m.name)),
            format!("“{}”（{}）不是邮箱地址：{e}", visible(address), visible(&m.name)),
        )
    })?;
    let name = one_line(&m.name);
    Ok(LettreMailbox::new((!name.is_empty()).then_some(name), email))
}

/// A recipient without an address, named with the fix (`role`: the
/// contact role the fix names; letters go to the payer).
fn no_address(m: &Mailbox, role: &str) -> Error {
    let name = visible(&m.name);
    Error::user(
        format!(
            "{name} has no e-mail address; add it with huikuan customer edit CODE --contact {role}:{name}:PHONE:EMAIL"
        ),
        format!(
            "{name} 没有邮箱地址；请用 huikuan customer edit 客户代码 --contact {}:{name}:电话:邮箱 添加",
            if role == "ROLE" { "角色" } else { role }
        ),
    )
}

/// `<seconds.random@domain>`: unique without naming the machine.
fn message_id(date: DateTime<FixedOffset>, domain: &str) -> String {
    format!("<{}.{:016x}.huikuan@{domain}>", date.timestamp(), fastrand::u64(..))
}

/// Header text on one line: controls (CR, LF, TAB …) become spaces, so a
/// name or subject cannot add a header.
fn one_line(s: &str) -> String {
    let spaced: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The message as an RFC 5322 file (`.eml`): CRLF lines, UTF-8.
pub fn eml(m: &Message) -> Result<Vec<u8>> {
    Ok(folded(build(m)?.formatted()))
}

/// The longest header line written, CRLF not counted (RFC 5322 §2.1.1).
const MAX_LINE: usize = 78;

/// The message's bytes with every header line of more than [`MAX_LINE`]
/// characters folded at its last space that keeps it within the limit.
///
/// lettre folds a long name into several encoded words but writes the
/// ` <address>` after the last of them without folding, so a long Chinese
/// name gives a `To:` line of 84 characters; the space before `<` is
/// folding white space (RFC 5322 §3.4), so a line break there changes
/// nothing a reader sees. Only the header block is touched.
fn folded(raw: Vec<u8>) -> Vec<u8> {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else { return raw };
    let Ok(head) = std::str::from_utf8(&raw[..end]) else { return raw };
    let mut out = String::with_capacity(end + 64);
    for (i, line) in head.split("\r\n").enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        let mut rest = line;
        while rest.len() > MAX_LINE && rest.is_ascii() {
            // Not at the leading space of a continuation line: that would leave an empty line.
            let text_from = rest.len() - rest.trim_start().len();
            let Some(cut) = rest[..=MAX_LINE].rfind(' ').filter(|&c| c > text_from) else { break };
            out.push_str(&rest[..cut]);
            out.push_str("\r\n");
            rest = &rest[cut..];
        }
        out.push_str(rest);
    }
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&raw[end..]);
    bytes
}

/// What `--dry-run` shows: From, To, Cc, Subject and the message's size,
/// names with terminal controls made visible. Refuses what [`eml`] refuses.
pub fn describe(m: &Message, lang: Lang) -> Result<String> {
    let size = eml(m)?.len();
    let list = |v: &[Mailbox]| v.iter().map(Mailbox::shown).collect::<Vec<_>>().join(", ");
    let mut out = format!("From: {}\nTo: {}\n", m.from.shown(), list(&m.to));
    if !m.cc.is_empty() {
        out.push_str(&format!("Cc: {}\n", list(&m.cc)));
    }
    out.push_str(&format!("Subject: {}\n", visible(&m.subject)));
    let parts = if m.html.is_some() { lang.pick("text + HTML", "文本 + HTML") } else { lang.pick("text", "文本") };
    out.push_str(&match lang {
        Lang::En => format!("Size: {size} bytes ({parts})\n"),
        Lang::Zh => format!("大小：{size} 字节（{parts}）\n"),
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_header_line_is_folded_at_its_last_space_within_78_characters_and_the_body_is_kept() {
        let long = format!("To: =?utf-8?b?{}?= <wang@example.com>", "A".repeat(58));
        let raw = format!("{long}\r\nSubject: short\r\n\r\nbody {}\r\n", "x ".repeat(60));
        let got = String::from_utf8(folded(raw.clone().into_bytes())).unwrap();
        assert_eq!(got, raw.replace("?= <wang", "?=\r\n <wang"));
        // A continuation line is never cut at its leading space (an empty line would end the header).
        let unbreakable = format!("Subject: a\r\n =?utf-8?b?{}?=\r\n\r\n", "B".repeat(80));
        assert_eq!(folded(unbreakable.clone().into_bytes()), unbreakable.into_bytes());
    }

    fn date() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-23T09:30:00+08:00").unwrap()
    }

    fn message() -> Message {
        Message {
            from: Mailbox::new("上海示例贸易有限公司", "ar@example.com"),
            to: vec![Mailbox::new("王芳", "wang@example.com")],
            cc: vec![Mailbox::new("李总", "li@example.com")],
            subject: "催款函：逾期账款 23,170.00 元".into(),
            text: "王芳您好：\n应付合计 23,170.00 元。\n".into(),
            html: Some("<p>应付合计 <b>23,170.00</b> 元。</p>".into()),
            date: date(),
        }
    }

    fn parsed(bytes: &[u8]) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default().parse(bytes).expect("an RFC 5322 message")
    }

    fn header_lines(bytes: &[u8]) -> Vec<String> {
        let text = String::from_utf8_lossy(bytes);
        let head = text.split("\r\n\r\n").next().unwrap_or_default().to_string();
        head.split("\r\n").map(str::to_string).collect()
    }

    #[test]
    fn an_eml_reads_back_with_its_cjk_names_subject_both_parts_and_date() {
        let bytes = eml(&message()).unwrap();
        let m = parsed(&bytes);
        assert_eq!(m.subject(), Some("催款函：逾期账款 23,170.00 元"));
        let from = m.from().unwrap().first().unwrap();
        assert_eq!((from.name(), from.address()), (Some("上海示例贸易有限公司"), Some("ar@example.com")));
        let to = m.to().unwrap().first().unwrap();
        assert_eq!((to.name(), to.address()), (Some("王芳"), Some("wang@example.com")));
        assert_eq!(m.cc().unwrap().first().unwrap().address(), Some("li@example.com"));
        assert_eq!(m.body_text(0).unwrap().replace("\r\n", "\n"), "王芳您好：\n应付合计 23,170.00 元。\n");
        assert_eq!(m.body_html(0).unwrap(), "<p>应付合计 <b>23,170.00</b> 元。</p>");
        assert_eq!(m.date().unwrap().to_rfc3339(), "2026-11-23T01:30:00Z");
        let id = m.message_id().unwrap();
        assert!(id.ends_with("@example.com") && id.starts_with(&date().timestamp().to_string()), "{id}");
        let head = header_lines(&bytes);
        assert!(head.iter().any(|l| l.starts_with("Content-Type: multipart/alternative")), "{head:?}");
        assert!(head.iter().all(|l| l.is_ascii()), "{head:?}");
    }

    #[test]
    fn a_long_chinese_subject_is_folded_into_encoded_words_of_at_most_78_characters_a_line() {
        let subject: String = "关于贵司逾期应收账款的最后催告函请于七日内付清".chars().cycle().take(60).collect();
        let mut m = message();
        m.subject = subject.clone();
        m.to[0].name = "上海浦东新区某某国际贸易有限公司财务部付款专员王芳女士".into();
        let bytes = eml(&m).unwrap();
        for line in header_lines(&bytes) {
            assert!(line.len() <= 78, "{} characters: {line}", line.len());
        }
        let p = parsed(&bytes);
        assert_eq!(p.subject(), Some(subject.as_str()));
        assert_eq!(p.to().unwrap().first().unwrap().name(), Some(m.to[0].name.as_str()));
    }

    #[test]
    fn a_recipient_without_an_address_is_refused_never_undisclosed() {
        let mut m = message();
        m.to[0].address = String::new();
        let e = eml(&m).unwrap_err();
        assert_eq!(
            e.to_string(),
            "王芳 has no e-mail address; add it with huikuan customer edit CODE --contact payer:王芳:PHONE:EMAIL"
        );
        assert!(e.text(Lang::Zh).contains("王芳 没有邮箱地址"), "{}", e.text(Lang::Zh));
        assert!(describe(&m, Lang::En).is_err());
        let mut m = message();
        m.cc[0].address = " ".into();
        assert_eq!(
            eml(&m).unwrap_err().to_string(),
            "李总 has no e-mail address; add it with huikuan customer edit CODE --contact ROLE:李总:PHONE:EMAIL"
        );
    }

    #[test]
    fn a_recipient_is_its_trimmed_address_and_one_without_is_refused_with_the_fix() {
        use crate::store::customers::Role;
        let payer =
            Recipient { role: Some(Role::Payer), name: "王芳".into(), email: Some(" wang@example.com ".into()) };
        assert_eq!(recipient("华远", &payer).unwrap(), Mailbox::new("王芳", "wang@example.com"));
        let none = Recipient { role: Some(Role::Acceptance), name: "赵六".into(), email: None };
        assert_eq!(
            recipient("华远", &none).unwrap_err().to_string(),
            "赵六 (华远) has no e-mail address to send the letter to; add it with \
             huikuan customer edit 华远 --contact acceptance:NAME:PHONE:EMAIL"
        );
        // The customer itself (no payer contact) is fixed by adding a payer.
        let itself = Recipient { role: None, name: "华远电子".into(), email: Some("  ".into()) };
        assert!(recipient("华远", &itself).unwrap_err().to_string().ends_with("--contact payer:NAME:PHONE:EMAIL"));
    }

    #[test]
    fn a_name_or_subject_with_a_line_break_adds_no_header() {
        let mut m = message();
        m.subject = "Overdue\r\nBcc: all@example.com".into();
        m.to[0].name = "Evil\nBcc: x@example.com".into();
        let bytes = eml(&m).unwrap();
        let head = header_lines(&bytes);
        assert!(!head.iter().any(|l| l.starts_with("Bcc")), "{head:?}");
        assert_eq!(parsed(&bytes).subject(), Some("Overdue Bcc: all@example.com"));
    }

    #[test]
    fn a_dry_run_names_sender_recipients_subject_and_size() {
        let mut m = message();
        m.to[0].name = "王芳\u{1b}[31m".into();
        let size = eml(&m).unwrap().len();
        let d = describe(&m, Lang::En).unwrap();
        assert_eq!(
            d,
            format!(
                "From: 上海示例贸易有限公司 <ar@example.com>\nTo: 王芳\\u{{1b}}[31m <wang@example.com>\n\
                 Cc: 李总 <li@example.com>\nSubject: 催款函：逾期账款 23,170.00 元\nSize: {size} bytes (text + HTML)\n"
            )
        );
        assert!(describe(&m, Lang::Zh).unwrap().ends_with(&format!("大小：{size} 字节（文本 + HTML）\n")));
    }

    #[test]
    fn the_sender_is_smtp_from_else_the_company_email_else_refused() {
        let mut s = crate::store::settings::load(&crate::store::Book::in_memory().conn).unwrap();
        assert!(sender(&s, None).unwrap_err().to_string().contains("config set company_email"));
        s.company_email = Some("ar@example.com".into());
        assert_eq!(sender(&s, None).unwrap(), Mailbox::new("Test Co.", "ar@example.com"));
        assert_eq!(sender(&s, Some("应收 <ys@example.com>")).unwrap(), Mailbox::new("应收", "ys@example.com"));
        assert_eq!(sender(&s, Some("ys@example.com")).unwrap(), Mailbox::new("Test Co.", "ys@example.com"));
    }
}
